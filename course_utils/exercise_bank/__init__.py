"""One module per notebook (nbNN.py), each with a list EXERCISES. Taught in notebooks/00_welcome.ipynb."""
