"""A virus scanner for tests, run as YUNGUAN_FILE_SCAN_COMMAND="python -m tests.support.scanner" would run
clamdscan: the file on standard input, exit 0 when clean, 1 (and the finding on stdout) when it holds the EICAR
test string every anti-virus program reports as a virus."""

import sys

# The EICAR anti-virus test file (https://www.eicar.org/download-anti-malware-testfile/): harmless, and found by
# every scanner. Kept in two halves so that this file is not itself reported by a scanner on the machine.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$" + rb"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def main() -> int:
    content = sys.stdin.buffer.read()
    if EICAR in content:
        print("stdin: Eicar-Test-Signature FOUND")
        return 1
    print("stdin: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
