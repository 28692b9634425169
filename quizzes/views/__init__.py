"""Server-rendered pages; thin: parse input, call a service or selector, render."""
