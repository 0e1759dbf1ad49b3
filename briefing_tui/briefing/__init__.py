"""The briefing format: model, schema, YAML tree, loader and checker, library, links, coverage, scaffold, export. No Textual, no search engine."""
