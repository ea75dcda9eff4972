//! The order of a parallel scan: inputs handed to the workers in the order of their stream, and
//! their rows given to the writer in that same order whichever worker finishes first, with the
//! rows held back for order bounded by a window. It never reads a bundle.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};

/// Hands the inputs to the workers in the order they are taken from the stream and gives
/// their rows to the writer in that same order, whichever worker finishes first, so that the
/// same inputs give the same tables byte for byte. A worker waits before taking an input more
/// than [`InOrder::window`] places ahead of the writer, so the rows held back for order stay
/// bounded (a few kilobytes per bundle) even behind one slow bundle.
pub(super) struct InOrder<I> {
    /// The inputs not handed out yet, and the place of the next one.
    source: Mutex<(usize, std::iter::Fuse<I>)>,
    /// How many places the writer has taken, in order.
    released: Mutex<usize>,
    /// Signalled when the writer takes rows (or the scan is abandoned).
    room: Condvar,
    /// How far ahead of the writer a worker may go.
    window: usize,
}

impl<I: Iterator> InOrder<I> {
    pub(super) fn new(inputs: I, threads: usize) -> InOrder<I> {
        InOrder {
            source: Mutex::new((0, inputs.fuse())),
            released: Mutex::new(0),
            room: Condvar::new(),
            window: 256 + 64 * threads.max(1),
        }
    }

    /// The next input and its place, once the writer is close enough; `None` when every
    /// input is handed out or the scan is abandoned.
    pub(super) fn next(&self, aborted: &AtomicBool) -> Option<(usize, I::Item)> {
        if aborted.load(Ordering::Relaxed) {
            return None;
        }
        let (index, input) = {
            let mut source = self.source.lock().unwrap_or_else(PoisonError::into_inner);
            let input = source.1.next()?;
            let index = source.0;
            source.0 += 1;
            (index, input)
        };
        let mut released = self.released.lock().unwrap_or_else(PoisonError::into_inner);
        while index >= *released + self.window && !aborted.load(Ordering::Relaxed) {
            released = self
                .room
                .wait(released)
                .unwrap_or_else(PoisonError::into_inner);
        }
        (!aborted.load(Ordering::Relaxed)).then_some((index, input))
    }

    /// The rows that are next in order, taken out of `waiting`.
    pub(super) fn release<T>(&self, waiting: &mut BTreeMap<usize, T>) -> Vec<T> {
        let mut released = self.released.lock().unwrap_or_else(PoisonError::into_inner);
        let mut ready = Vec::new();
        while let Some(rows) = waiting.remove(&*released) {
            ready.push(rows);
            *released += 1;
        }
        if !ready.is_empty() {
            self.room.notify_all();
        }
        ready
    }

    /// Wakes every waiting worker (the scan is abandoned).
    pub(super) fn wake(&self) {
        let _guard = self.released.lock().unwrap_or_else(PoisonError::into_inner);
        self.room.notify_all();
    }
}
