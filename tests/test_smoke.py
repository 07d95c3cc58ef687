from agreement_kit import assemble, check_coverage


def test_complete_example_assembles(library, complete_draft):
    coverage = check_coverage(library, complete_draft)
    assert coverage.complete, coverage.gaps()
    agreement = assemble(library, complete_draft)
    assert "Riverton Area School District" in agreement.text()
