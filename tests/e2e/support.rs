//! What the end-to-end tests share. Included by path (`#[path = "support.rs"] mod support;`).

#![allow(dead_code)]

use std::path::PathBuf;

/// A temporary directory, removed when dropped.
pub struct Dir(pub PathBuf);

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A fresh temporary directory for one test.
pub fn temp_dir(name: &str) -> Dir {
    let dir = std::env::temp_dir().join(format!("pact-e2e-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    Dir(dir)
}
