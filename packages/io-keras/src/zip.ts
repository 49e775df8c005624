// The ZIP layer moved to @kerasts/zip (shared with @kerasts/io-npy's .npz); re-exported for code here.
export * from '@kerasts/zip';
