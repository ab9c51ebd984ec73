from django.contrib.auth.hashers import MD5PasswordHasher


class CountingHasher(MD5PasswordHasher):
    """A real hasher (MD5, for speed) that counts its work, to compare sign-in paths."""

    algorithm = "counting_md5"
    calls = 0

    def encode(self, password, salt):
        CountingHasher.calls += 1
        return super().encode(password, salt).replace("md5$", "counting_md5$", 1)

    def verify(self, password, encoded):
        CountingHasher.calls += 1
        return super().verify(password, encoded.replace("counting_md5$", "md5$", 1))
