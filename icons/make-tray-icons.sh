#!/bin/sh
# Makes the tray's two icons from the app icon (ImageMagick): icons/tray.png, and
# icons/tray-attention.png with a red dot in the bottom-right corner (an account needs attention).
# 64 px, 8-bit RGBA. Run from anywhere; commit both outputs.
set -eu
dir=$(cd "$(dirname "$0")" && pwd)
convert "$dir/128x128.png" -resize 64x64 -depth 8 "PNG32:$dir/tray.png"
convert "$dir/tray.png" \
  -fill white -draw "circle 49,49 49,34" \
  -fill '#d93025' -draw "circle 49,49 49,37" \
  -depth 8 "PNG32:$dir/tray-attention.png"
