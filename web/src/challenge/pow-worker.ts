// The join challenge's solver in its own thread (a Web Worker): hashing for a second or more on
// the page's thread would freeze it. The page ends a solve by terminating the worker.
import { answerSolve, type SolveRequest } from "./protocol.ts";

self.onmessage = (event: MessageEvent<SolveRequest>) => {
  answerSolve(event.data, (message) => self.postMessage(message));
};
