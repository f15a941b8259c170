# make install PREFIX=…   (see scripts/install)
PREFIX ?= /usr/local

.PHONY: install test
install:
	PREFIX="$(PREFIX)" scripts/install

test:
	scripts/test
