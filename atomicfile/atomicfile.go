// Package atomicfile replaces a file so that a reader, or a crash, sees the
// old contents or the new ones whole, never a part: plan files edited by
// drplan (a sign-off) and files it adds to a plan (a drill record).
package atomicfile

import (
	"os"
	"path/filepath"
)

// Write replaces path with data. A new file gets perm; an existing one
// keeps its mode. The data is synced before the rename and the folder
// after it, so the new name survives a crash too.
func Write(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".drplan-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if st, err := os.Stat(path); err == nil {
		perm = st.Mode().Perm()
	}
	if err := os.Chmod(tmp, perm); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	// Some filesystems cannot sync a folder; the file itself is synced.
	_ = d.Sync()
	return nil
}
