// Reads a file for the import worker on a thread of its own, so the import
// worker spends its time parsing while the next slice is being read.
//
// In: { file, first, chunk, ahead } once (read up to `ahead` slices before
// waiting; the first is `first` bytes, so parsing starts soon, and each
// next one twice the last, up to `chunk`), then one message per slice the import worker has
// taken (a credit for one more). Out: each slice's ArrayBuffer, transferred
// (no copy), `null` after the last, or { error } if the browser refused.
const reader = new FileReaderSync();
let file = null;
let first = 0;
let chunk = 0;
let next = 0;
let size = 0;
let credits = 0;

onmessage = (event) => {
  if (event.data && event.data.file) {
    ({ file, first, chunk } = event.data);
    credits = event.data.ahead;
    next = 0;
    size = first;
  } else {
    credits += 1;
  }
  while (file && credits > 0) {
    if (next >= file.size) {
      postMessage(null);
      file = null;
      return;
    }
    const end = Math.min(next + size, file.size);
    size = Math.min(size * 2, chunk);
    let buffer;
    try {
      buffer = reader.readAsArrayBuffer(file.slice(next, end));
    } catch (error) {
      postMessage({ error: String(error) });
      file = null;
      return;
    }
    next = end;
    credits -= 1;
    postMessage(buffer, [buffer]);
  }
};
