"""The Textual wizard for agreement-kit (talks to agreement_kit only through its public API)."""
