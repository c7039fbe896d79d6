"""``make bench``: what each chapter costs, how close our code comes to torch, and the GPU table."""
