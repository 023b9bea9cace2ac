"""arner's tests, laid out like the package: tests/<package>/test_<module>.py tests
arner/<package>/<module>.py (tests/models/test_bert.py: arner/models/bert.py), and a
package's own __init__.py is tests/<package>/test_<package>.py. A module with several
files of tests names each for its part (test_streams_signals.py). Shared code lives in
tests.helpers, which the benches import too."""
