print("sift-bench: placeholder")
