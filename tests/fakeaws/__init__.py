"""fakeaws: an in-process fake of the AWS endpoints ecsbatch talks to.

See README.md in this folder for how to start it and drive it from tests.
"""
