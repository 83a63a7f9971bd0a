"""`python -m pyuv_net echo|cat|bench ...` (see pyuv_net/_cli.py)."""
import sys

from ._cli import main

sys.exit(main())
