package io.smsgw.core.text;

/** Hex helpers for tests: spaces in the input are ignored. */
public final class Hex {

   private Hex() {
   }

   public static byte[] bytes(String hex) {
      String digits = hex.replace(" ", "");
      byte[] out = new byte[digits.length() / 2];
      for (int i = 0; i < out.length; i++) {
         out[i] = (byte) Integer.parseInt(digits.substring(2 * i, 2 * i + 2), 16);
      }
      return out;
   }

   public static String string(byte[] data) {
      StringBuilder out = new StringBuilder(data.length * 2);
      for (byte b : data) {
         out.append(String.format("%02x", b & 0xFF));
      }
      return out.toString();
   }
}
