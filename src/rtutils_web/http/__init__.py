"""HTTP plumbing every feature shares: the error table, security headers, the request
context and its log line, request bodies and parameters, the OpenAPI building blocks and the
health probes. Feature folders may import from here; nothing here imports a feature."""
