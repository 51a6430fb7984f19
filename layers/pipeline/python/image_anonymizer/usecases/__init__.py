"""Use cases shared by several entry points, over the core and small storage ports."""
