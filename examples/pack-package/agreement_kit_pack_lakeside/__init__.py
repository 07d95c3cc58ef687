"""Lakeside Area School District's clause pack (data only: pack.yaml, policy.yaml, clauses/).

agreement-kit locates this folder through the ``agreement_kit.packs`` entry point and reads its YAML;
nothing here is imported or run.
"""
