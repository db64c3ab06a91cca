"""The tests import the installed package (`pip install ./fdsl-python`)."""
