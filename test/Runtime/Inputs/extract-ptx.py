"""Writes the PTX of a C string constant to a file, for ptxas.

  extract-ptx.py SOURCE.c NAME OUT.ptx

NAME is the array (e.g. kAddPtx) initialised with adjacent string literals.
"""
import codecs
import re
import sys

source, name, out = sys.argv[1:]
text = open(source).read()
literal = r'"(?:[^"\\]|\\.)*"'
match = re.search(r"\b%s\[\]\s*=((?:\s*%s)+)\s*;" % (re.escape(name), literal),
                  text)
if not match:
    sys.exit("%s: no array %s" % (source, name))
literals = re.findall(r'"((?:[^"\\]|\\.)*)"', match.group(1))
ptx = "".join(codecs.decode(s, "unicode_escape") for s in literals)
open(out, "w").write(ptx)
