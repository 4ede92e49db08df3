package io.smsgw.broker.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The log lines written while it is open, as an operator would read them. The tests log through slf4j-simple
 * (see the modules' simplelogger.properties: INFO and above for io.smsgw), which writes each line to whatever
 * {@code System.err} is at that moment; this puts a copy in between and still passes everything on.
 */
public final class LogCapture implements AutoCloseable {

   private final PrintStream original;
   private final List<String> lines = new ArrayList<>();

   private LogCapture() {
      this.original = System.err;
      System.setErr(new PrintStream(new Tee(), true, StandardCharsets.UTF_8));
   }

   public static LogCapture start() {
      return new LogCapture();
   }

   /** The lines captured so far that contain every one of {@code parts}. */
   public List<String> lines(String... parts) {
      synchronized (lines) {
         return lines.stream().filter(line -> Arrays.stream(parts).allMatch(line::contains)).toList();
      }
   }

   public int count(String... parts) {
      return lines(parts).size();
   }

   @Override
   public void close() {
      PrintStream capturing = System.err;
      System.setErr(original);
      capturing.flush();
   }

   /** Writes through to the original stream and collects whole lines. */
   private final class Tee extends OutputStream {
      private final ByteArrayOutputStream line = new ByteArrayOutputStream();

      @Override
      public synchronized void write(int b) {
         original.write(b);
         collect(b);
      }

      @Override
      public synchronized void write(byte[] b, int off, int len) {
         original.write(b, off, len);
         for (int i = off; i < off + len; i++) {
            collect(b[i]);
         }
      }

      private void collect(int b) {
         if (b == '\n') {
            String text = line.toString(StandardCharsets.UTF_8);
            line.reset();
            synchronized (lines) {
               lines.add(text.endsWith("\r") ? text.substring(0, text.length() - 1) : text);
            }
         } else {
            line.write(b);
         }
      }

      @Override
      public void flush() {
         original.flush();
      }
   }
}
