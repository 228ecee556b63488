#!/usr/bin/env bash
# Encodes the decoder benchmark's inputs into DIR: a 4 s RAVDESS clip (short.*) and the same clip
# looped to 10 minutes (long.*), in every compressed format, as a user's encoder would make them.
#   experiments/DecoderBench/encode.sh DIR [SHARED]
set -euo pipefail
dir=$1; shared=${2:-../shared}
mkdir -p "$dir"
clip="$shared/ravdess/Actor_01/03-01-05-01-01-01-01.wav"
ffmpeg -nostdin -loglevel error -y -i "$clip" -af apad -t 4 "$dir/short.wav"
ffmpeg -nostdin -loglevel error -y -stream_loop -1 -i "$dir/short.wav" -t 600 "$dir/long.wav"
for len in short long; do
  f="ffmpeg -nostdin -loglevel error -y -i $dir/$len.wav"
  $f -c:a libmp3lame -b:a 128k "$dir/$len.mp3"
  $f -c:a aac -b:a 128k "$dir/$len.m4a"
  $f -c:a libvorbis -q:a 5 "$dir/$len.ogg"
  $f -c:a libopus -b:a 64k "$dir/$len.opus"
  $f -c:a libopus -b:a 64k -f webm "$dir/$len.webm"
  $f -c:a flac "$dir/$len.flac"
  $f -c:a pcm_s16be "$dir/$len.aiff"
done
ls -l "$dir"
