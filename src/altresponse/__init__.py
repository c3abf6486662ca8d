"""altresponse: care-first 911 response analysis, planning and evaluation.

The package is organised as one module per verb over two nouns: the calls table
(:mod:`altresponse.calls`) and the program definition (:mod:`altresponse.program`).
Importing it reads no file and opens no connection.
"""

__version__ = "0.1.0"
