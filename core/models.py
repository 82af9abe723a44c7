"""The bottom layer has no models. Its one migration creates where the cache versions live
(``core/cache.py``); this module exists so that Django sends ``core`` the ``post_migrate``
signal that moves those versions past the clock (``CoreConfig.ready``)."""
