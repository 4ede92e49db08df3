package io.smsgw.core.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a small state file so that a crash leaves either the old content or the new, never a torn one: the text
 * goes to a sibling {@code <name>.tmp}, is forced to disk, renamed over the file (atomically where the file system can),
 * and the rename itself is forced with the directory where the platform allows it.
 */
public final class DurableFiles {

   private DurableFiles() {
   }

   public static void replace(Path file, String text, Charset charset) throws IOException {
      Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                                                  StandardOpenOption.TRUNCATE_EXISTING)) {
         ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(charset));
         while (bytes.hasRemaining()) {
            channel.write(bytes);
         }
         channel.force(true);
      }
      try {
         Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
         Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
      }
      forceDirectory(file.toAbsolutePath().getParent());
   }

   /** The rename reaches the disk too (not possible on every platform: then skipped). */
   private static void forceDirectory(Path directory) {
      try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
         channel.force(true);
      } catch (IOException | UnsupportedOperationException e) {
         // e.g. Windows cannot open a directory; the file's own content is forced already
      }
   }
}
