"""peak-rss.py CMD... - runs CMD and prints its peak resident set in KiB.

Exits with CMD's status. Used to compare what two runs of sglrun cost.
"""
import resource
import subprocess
import sys

status = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(status)
