"""Word documents: filling the template, document properties, template checks and PDF output."""
