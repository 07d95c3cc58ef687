"""The engine: clause context, sandboxed clause text, coverage and assembly."""
