"""Drafts: the answers for one agreement, their model, and reading, checking and saving draft files."""
