// CloudFront Function (viewer request, default behaviour only): a path without a file
// extension is a client-side route of the single-page app, so it gets index.html.
// biome-ignore lint/correctness/noUnusedVariables: CloudFront calls the global `handler` by name
function handler(event) {
  var request = event.request;
  var last = request.uri.split("/").pop();
  if (last.indexOf(".") === -1) request.uri = "/index.html";
  return request;
}
