//! The sealed stream of a backup file (format 2): the backup is written and read in chunks, so
//! neither `safeguard backup` nor `safeguard restore` holds the database in memory.
//!
//! After the magic line, the file is a sequence of frames, each a 4-byte big-endian length and
//! one envelope sealed (XChaCha20-Poly1305) under the newest master key, of at most [`CHUNK`]
//! bytes of the gzip stream. Each envelope's associated data names the format, the frame's
//! position and whether it is the last: frames cannot be reordered, dropped or cut off without
//! the restore refusing the file.

use std::io::{self, Read, Write};

use sg_crypto::KeyRing;

/// What a format 2 backup file starts with.
pub(crate) const MAGIC: &[u8] = b"SGBACKUP2\n";

/// The plaintext bytes sealed per frame: the most a backup or restore holds of the data at once
/// (besides gzip's window and one page of rows from PostgreSQL).
pub(crate) const CHUNK: usize = 1 << 20;

/// The largest frame a reader accepts: a chunk plus the envelope's header and tag.
const MAX_FRAME: usize = CHUNK + 1024;

fn aad(index: u64, last: bool) -> Vec<u8> {
    format!("safeguard-backup-2|{index}|{}", u8::from(last)).into_bytes()
}

/// Seals what is written to it, a chunk at a time, into frames written to `out`.
pub(crate) struct SealedWriter<'k, W: Write> {
    keys: &'k KeyRing,
    out: W,
    buf: Vec<u8>,
    index: u64,
    /// The most plaintext it held at once (checked by the tests: never more than a chunk).
    pub(crate) max_buffered: usize,
}

impl<'k, W: Write> SealedWriter<'k, W> {
    /// A writer sealing under the newest key of `keys`.
    pub(crate) fn new(keys: &'k KeyRing, out: W) -> Self {
        Self { keys, out, buf: Vec::with_capacity(CHUNK), index: 0, max_buffered: 0 }
    }

    fn frame(&mut self, plain: &[u8], last: bool) -> io::Result<()> {
        let sealed = self.keys.seal(plain, &aad(self.index, last));
        let len = u32::try_from(sealed.len()).map_err(|_| io::Error::other("a backup frame is too large"))?;
        self.out.write_all(&len.to_be_bytes())?;
        self.out.write_all(&sealed)?;
        self.index += 1;
        Ok(())
    }

    /// Seals what is left as the last frame; returns the output, flushed.
    pub(crate) fn finish(mut self) -> io::Result<W> {
        let rest = std::mem::take(&mut self.buf);
        self.frame(&rest, true)?;
        self.out.flush()?;
        Ok(self.out)
    }
}

impl<W: Write> Write for SealedWriter<'_, W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let n = data.len().min(CHUNK - self.buf.len());
        self.buf.extend_from_slice(&data[..n]);
        self.max_buffered = self.max_buffered.max(self.buf.len());
        if self.buf.len() == CHUNK {
            let full = std::mem::take(&mut self.buf);
            self.frame(&full, false)?;
            self.buf = full;
            self.buf.clear();
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        // Frames are whole chunks; a partial one is sealed only by `finish`.
        self.out.flush()
    }
}

/// Opens the frames of `input` in order, refusing a frame out of place, altered or missing.
pub(crate) struct SealedReader<'k, R: Read> {
    keys: &'k KeyRing,
    input: R,
    plain: Vec<u8>,
    pos: usize,
    index: u64,
    done: bool,
}

impl<'k, R: Read> SealedReader<'k, R> {
    /// A reader of the frames after the magic line.
    pub(crate) fn new(keys: &'k KeyRing, input: R) -> Self {
        Self { keys, input, plain: Vec::new(), pos: 0, index: 0, done: false }
    }

    fn next_frame(&mut self) -> io::Result<()> {
        let damaged = |what: &str| io::Error::new(io::ErrorKind::InvalidData, format!("damaged backup: {what}"));
        let mut len = [0u8; 4];
        self.input.read_exact(&mut len).map_err(|_| damaged("it ends before its last part (cut off?)"))?;
        let len = u32::from_be_bytes(len) as usize;
        if len > MAX_FRAME {
            return Err(damaged("a part is larger than any backup writes"));
        }
        let mut sealed = vec![0u8; len];
        self.input.read_exact(&mut sealed).map_err(|_| damaged("it ends in the middle of a part (cut off?)"))?;
        let (plain, last) = match self.keys.open(&sealed, &aad(self.index, false)) {
            Ok(p) => (p, false),
            Err(_) => (
                self.keys.open(&sealed, &aad(self.index, true)).map_err(|_| {
                    io::Error::new(
                        io::ErrorKind::PermissionDenied,
                        "the backup cannot be opened with these master keys (wrong keys, or the file was altered)",
                    )
                })?,
                true,
            ),
        };
        self.plain = plain;
        self.pos = 0;
        self.index += 1;
        self.done = last;
        Ok(())
    }
}

impl<R: Read> Read for SealedReader<'_, R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.plain.len() {
            if self.done {
                return Ok(0);
            }
            self.next_frame()?;
        }
        let n = out.len().min(self.plain.len() - self.pos);
        out[..n].copy_from_slice(&self.plain[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring() -> KeyRing {
        KeyRing::new(vec![sg_crypto::MasterKey::generate("k-1")]).unwrap()
    }

    /// 5.5 MiB of varied bytes, written in uneven pieces.
    fn data() -> Vec<u8> {
        (0..(11 * CHUNK / 2)).map(|i| (i * 7 + i / 1000) as u8).collect()
    }

    fn sealed(keys: &KeyRing, data: &[u8]) -> (Vec<u8>, usize) {
        let mut w = SealedWriter::new(keys, Vec::new());
        for piece in data.chunks(300_001) {
            w.write_all(piece).unwrap();
        }
        let max = w.max_buffered;
        (w.finish().unwrap(), max)
    }

    #[test]
    fn a_large_stream_is_held_a_chunk_at_a_time_and_reads_back() {
        let keys = ring();
        let data = data();
        let (file, max) = sealed(&keys, &data);
        assert!(max <= CHUNK, "held {max} bytes at once");
        let mut back = Vec::new();
        SealedReader::new(&keys, file.as_slice()).read_to_end(&mut back).unwrap();
        assert!(back == data);
    }

    #[test]
    fn a_cut_off_reordered_or_altered_file_is_refused() {
        let keys = ring();
        let (file, _) = sealed(&keys, &data());
        let read = |bytes: &[u8]| SealedReader::new(&keys, bytes).read_to_end(&mut Vec::new());
        // Cut off after whole frames: the last frame is missing.
        let first = 4 + u32::from_be_bytes(file[..4].try_into().unwrap()) as usize;
        assert!(read(&file[..first]).is_err());
        // Two frames swapped.
        let second = first + 4 + u32::from_be_bytes(file[first..first + 4].try_into().unwrap()) as usize;
        let swapped = [&file[first..second], &file[..first], &file[second..]].concat();
        assert!(read(&swapped).is_err());
        // One byte changed.
        let mut altered = file.clone();
        altered[first + 100] ^= 1;
        assert!(read(&altered).is_err());
        // Another key ring.
        assert!(SealedReader::new(&ring(), file.as_slice()).read_to_end(&mut Vec::new()).is_err());
    }
}
