#!/bin/sh
set -eu
[ "$(bin/greet)" = "Hello, world!" ]
[ "$(bin/greet you)" = "Hello, you!" ]
