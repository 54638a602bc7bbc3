import { type DescFile, type DescMessage, type DescService, toBinary } from "@bufbuild/protobuf";
import { nestedTypes } from "@bufbuild/protobuf/reflect";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { Code, type ConnectRouter } from "@connectrpc/connect";
import { reflection, reflectionV1alpha } from "@tt/contracts";

/**
 * A reflection request of either package: grpc.reflection.v1 and v1alpha share every field name
 * and number, so one implementation reads both.
 */
export interface ReflectionRequest {
  host: string;
  messageRequest:
    | {
        case: "fileByFilename" | "fileContainingSymbol" | "allExtensionNumbersOfType" | "listServices";
        value: string;
      }
    | { case: "fileContainingExtension"; value: { containingType: string; extensionNumber: number } }
    | { case: undefined; value?: undefined };
}

/** A reflection response as plain fields, which Connect builds into either package's message. */
export interface ReflectionResponse {
  validHost: string;
  originalRequest: ReflectionRequest;
  messageResponse:
    | { case: "fileDescriptorResponse"; value: { fileDescriptorProto: Uint8Array[] } }
    | { case: "allExtensionNumbersResponse"; value: { baseTypeName: string; extensionNumber: number[] } }
    | { case: "listServicesResponse"; value: { service: Array<{ name: string }> } }
    | { case: "errorResponse"; value: { errorCode: number; errorMessage: string } };
}

/**
 * What the server can describe: every service registered on the router and the files that
 * declare them (with their imports, transitively), indexed by path and by every fully qualified
 * name they declare.
 */
export class SchemaIndex {
  readonly services: string[];
  private readonly files = new Map<string, DescFile>();
  private readonly symbols = new Map<string, DescFile>();
  private readonly messages = new Map<string, DescMessage>();
  /** Extensions by "extendee.TypeName:number", and the numbers known for each extendee. */
  private readonly extensions = new Map<string, DescFile>();
  private readonly extensionNumbers = new Map<string, number[]>();
  private readonly encoded = new Map<string, Uint8Array>();

  constructor(services: Iterable<DescService>) {
    const names = new Set<string>();
    for (const service of services) {
      names.add(service.typeName);
      this.addFile(service.file);
    }
    this.services = [...names].sort();
  }

  private addFile(file: DescFile): void {
    // DescFile.name drops ".proto"; clients ask for the path as written, e.g. "a/v1/a.proto".
    if (this.files.has(file.proto.name)) return;
    this.files.set(file.proto.name, file);
    const symbol = (name: string) => this.symbols.set(name, file);
    for (const type of nestedTypes(file)) {
      symbol(type.typeName);
      switch (type.kind) {
        case "service":
          for (const method of type.methods) symbol(`${type.typeName}.${method.name}`);
          break;
        case "message":
          this.messages.set(type.typeName, type);
          for (const field of type.fields) symbol(`${type.typeName}.${field.name}`);
          for (const oneof of type.oneofs) symbol(`${type.typeName}.${oneof.name}`);
          break;
        case "enum": {
          // Enum values are scoped beside their enum (C++ rules), not inside it.
          const scope = type.typeName.slice(0, type.typeName.lastIndexOf(".") + 1);
          for (const value of type.values) symbol(`${scope}${value.name}`);
          break;
        }
        case "extension": {
          const extendee = type.extendee.typeName;
          this.extensions.set(`${extendee}:${type.number}`, file);
          this.extensionNumbers.set(extendee, [...(this.extensionNumbers.get(extendee) ?? []), type.number]);
          break;
        }
      }
    }
    for (const dependency of file.dependencies) this.addFile(dependency);
  }

  fileByName(name: string): DescFile | undefined {
    return this.files.get(name);
  }

  fileContainingSymbol(name: string): DescFile | undefined {
    return this.symbols.get(name);
  }

  fileContainingExtension(extendee: string, number: number): DescFile | undefined {
    return this.extensions.get(`${extendee}:${number}`);
  }

  /** The extension numbers of a known message (maybe none); undefined for an unknown one. */
  extensionNumbersOf(message: string): number[] | undefined {
    if (!this.messages.has(message)) return undefined;
    return [...(this.extensionNumbers.get(message) ?? [])].sort((a, b) => a - b);
  }

  /**
   * The serialized FileDescriptorProto of `file`, then those of its imports (transitively) that
   * `sent` does not hold yet; adds them all to `sent`. Clients keep what a stream already sent
   * them, as with grpc-go's reflection server. The embedded descriptors of generated code have
   * no source info, so clients see no comments.
   */
  fileWithDependencies(file: DescFile, sent: Set<string>): Uint8Array[] {
    const out: Uint8Array[] = [];
    const queue = [file];
    const seen = new Set<string>();
    for (let current = queue.shift(); current; current = queue.shift()) {
      if (seen.has(current.proto.name)) continue;
      seen.add(current.proto.name);
      if (current === file || !sent.has(current.proto.name)) {
        out.push(this.encode(current));
        sent.add(current.proto.name);
      }
      queue.push(...current.dependencies);
    }
    return out;
  }

  private encode(file: DescFile): Uint8Array {
    let bytes = this.encoded.get(file.proto.name);
    if (!bytes) {
      bytes = toBinary(FileDescriptorProtoSchema, file.proto);
      this.encoded.set(file.proto.name, bytes);
    }
    return bytes;
  }
}

/** Answers one reflection request; `sent` is the files this stream has already sent. */
export function answer(index: SchemaIndex, req: ReflectionRequest, sent: Set<string>): ReflectionResponse {
  const base = { validHost: req.host, originalRequest: copyRequest(req) };
  const notFound = (what: string): ReflectionResponse => ({
    ...base,
    messageResponse: {
      case: "errorResponse",
      value: { errorCode: Code.NotFound, errorMessage: `${what} not found` },
    },
  });
  const files = (file: DescFile | undefined, what: string): ReflectionResponse =>
    file
      ? {
          ...base,
          messageResponse: {
            case: "fileDescriptorResponse",
            value: { fileDescriptorProto: index.fileWithDependencies(file, sent) },
          },
        }
      : notFound(what);

  const request = req.messageRequest;
  switch (request.case) {
    case "listServices":
      return {
        ...base,
        messageResponse: {
          case: "listServicesResponse",
          value: { service: index.services.map((name) => ({ name })) },
        },
      };
    case "fileByFilename":
      return files(index.fileByName(request.value), `file ${request.value}`);
    case "fileContainingSymbol":
      return files(index.fileContainingSymbol(request.value), `symbol ${request.value}`);
    case "fileContainingExtension": {
      const { containingType, extensionNumber } = request.value;
      return files(
        index.fileContainingExtension(containingType, extensionNumber),
        `extension ${extensionNumber} of ${containingType}`,
      );
    }
    case "allExtensionNumbersOfType": {
      const numbers = index.extensionNumbersOf(request.value);
      if (!numbers) return notFound(`message type ${request.value}`);
      return {
        ...base,
        messageResponse: {
          case: "allExtensionNumbersResponse",
          value: { baseTypeName: request.value, extensionNumber: numbers },
        },
      };
    }
    default:
      return {
        ...base,
        messageResponse: {
          case: "errorResponse",
          value: { errorCode: Code.InvalidArgument, errorMessage: "empty reflection request" },
        },
      };
  }
}

// A plain copy, free of the package-specific message type, so it can echo into either package.
function copyRequest(req: ReflectionRequest): ReflectionRequest {
  const request = req.messageRequest;
  return {
    host: req.host,
    messageRequest:
      request.case === "fileContainingExtension"
        ? {
            case: request.case,
            value: {
              containingType: request.value.containingType,
              extensionNumber: request.value.extensionNumber,
            },
          }
        : request.case === undefined
          ? { case: undefined }
          : { case: request.case, value: request.value },
  };
}

/**
 * Registers gRPC server reflection (grpc.reflection.v1 and v1alpha) on the router, describing
 * every service registered on it, reflection included. Register it after the other services:
 * the index is built from the router's handlers on the first request, then kept.
 */
export function serverReflection(router: ConnectRouter): void {
  let index: SchemaIndex | undefined;
  async function* serverReflectionInfo(requests: AsyncIterable<ReflectionRequest>) {
    index ??= new SchemaIndex(router.handlers.map((handler) => handler.service));
    const sent = new Set<string>();
    for await (const req of requests) yield answer(index, req, sent);
  }
  router.service(reflection.ServerReflection, { serverReflectionInfo });
  router.service(reflectionV1alpha.ServerReflection, { serverReflectionInfo });
}
