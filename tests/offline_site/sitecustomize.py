# Loaded by every Python process the test suite starts (PYTHONPATH is set in tests/conftest.py),
# notebook kernels included: they run with the network blocked, like the tests themselves.
from ragft.course.offline import block_network

block_network()
