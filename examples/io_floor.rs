//! The I/O floor for the generate benchmark: reads every input spec file and writes the same
//! output bytes slogen wrote, with nothing in between.
//!
//! ```sh
//! cargo run --release --example io_floor -- INPUT_DIR GENERATED_DIR FLOOR_OUT_DIR
//! ```
//!
//! `GENERATED_DIR` is a tree slogen already generated. Its files' bytes are loaded into memory
//! first, untimed: they stand for the bytes a generator must produce. The timed part then reads
//! every input and writes those bytes under `FLOOR_OUT_DIR`, creating folders as needed, and
//! prints `floor_seconds=<s>` on stdout.

use std::path::{Path, PathBuf};

fn files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, generated, out] = args.as_slice() else {
        eprintln!("usage: io_floor INPUT_DIR GENERATED_DIR FLOOR_OUT_DIR");
        std::process::exit(2);
    };
    let (input, generated, out) = (Path::new(input), Path::new(generated), Path::new(out));
    let outputs: Vec<(PathBuf, Vec<u8>)> = files(generated)
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(&f)?;
            let rel = f
                .strip_prefix(generated)
                .expect("walked under generated")
                .to_path_buf();
            Ok((rel, bytes))
        })
        .collect::<std::io::Result<_>>()?;
    let start = std::time::Instant::now();
    let mut read = 0usize;
    for f in files(input) {
        read += std::fs::read(&f)?.len();
    }
    let mut written = 0usize;
    for (rel, bytes) in &outputs {
        let dest = out.join(rel);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&dest, bytes)?;
        written += bytes.len();
    }
    let secs = start.elapsed().as_secs_f64();
    println!("floor_seconds={secs:.4}");
    eprintln!("read {read} bytes, wrote {written} bytes");
    Ok(())
}
