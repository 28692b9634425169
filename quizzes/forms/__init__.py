"""Forms parse and shape input; the rules of the domain are checked by services."""
