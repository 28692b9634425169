"""Every write: keyword-only functions named <entity>_<verb>, one transaction each."""
