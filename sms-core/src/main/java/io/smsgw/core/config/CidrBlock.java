package io.smsgw.core.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 address block ({@code 10.0.0.0/8}, {@code 2001:db8::/32}); a single address is
 * a block of full length. Parsing accepts numeric literals only and never does a DNS lookup.
 */
public final class CidrBlock {

   private static final int IPV4_BYTES = 4;
   private static final int IPV6_BYTES = 16;

   private final byte[] network;
   private final int prefixLength;

   private CidrBlock(byte[] network, int prefixLength) {
      this.network = network;
      this.prefixLength = prefixLength;
   }

   /**
    * Parses {@code address} or {@code address/prefixLength}.
    *
    * @throws IllegalArgumentException with a reason an operator can act on
    */
   public static CidrBlock parse(String text) {
      int slash = text.indexOf('/');
      byte[] address = parseAddress(slash < 0 ? text : text.substring(0, slash));
      int maxPrefix = address.length * 8;
      int prefix = slash < 0 ? maxPrefix : parsePrefix(text.substring(slash + 1), maxPrefix);
      if (address.length == IPV6_BYTES && isIpv4Mapped(address) && prefix >= 96) {
         // ::ffff:10.0.0.0/104 is 10.0.0.0/8; clients arrive as plain IPv4 addresses
         address = Arrays.copyOfRange(address, IPV6_BYTES - IPV4_BYTES, IPV6_BYTES);
         prefix -= 96;
      }
      byte[] network = mask(address, prefix);
      if (!Arrays.equals(network, address)) {
         throw new IllegalArgumentException("host bits are set; the block is " + render(network, prefix));
      }
      return new CidrBlock(network, prefix);
   }

   /** The block of this one address (an IPv4-mapped IPv6 address as IPv4). */
   public static CidrBlock of(InetAddress address) {
      byte[] bytes = address.getAddress();
      if (bytes.length == IPV6_BYTES && isIpv4Mapped(bytes)) {
         bytes = Arrays.copyOfRange(bytes, IPV6_BYTES - IPV4_BYTES, IPV6_BYTES);
      }
      return new CidrBlock(bytes, bytes.length * 8);
   }

   /** Whether {@code address} lies in one of {@code blocks}. */
   public static boolean anyContains(java.util.List<CidrBlock> blocks, InetAddress address) {
      for (int i = 0; i < blocks.size(); i++) {
         if (blocks.get(i).contains(address)) {
            return true;
         }
      }
      return false;
   }

   /** Whether {@code address} lies in this block; IPv4-mapped IPv6 addresses count as IPv4. */
   public boolean contains(InetAddress address) {
      if (address == null) {
         return false;
      }
      byte[] candidate = address.getAddress();
      int offset = 0;
      if (candidate.length == IPV6_BYTES && network.length == IPV4_BYTES && isIpv4Mapped(candidate)) {
         offset = IPV6_BYTES - IPV4_BYTES;
      } else if (candidate.length != network.length) {
         return false;
      }
      int fullBytes = prefixLength / 8;
      for (int i = 0; i < fullBytes; i++) {
         if (candidate[offset + i] != network[i]) {
            return false;
         }
      }
      int remainingBits = prefixLength % 8;
      if (remainingBits == 0) {
         return true;
      }
      int byteMask = 0xFF << (8 - remainingBits) & 0xFF;
      return (candidate[offset + fullBytes] & byteMask) == (network[fullBytes] & byteMask);
   }

   public int prefixLength() {
      return prefixLength;
   }

   @Override
   public boolean equals(Object other) {
      return other instanceof CidrBlock block && block.prefixLength == prefixLength && Arrays.equals(block.network, network);
   }

   @Override
   public int hashCode() {
      return 31 * Arrays.hashCode(network) + prefixLength;
   }

   /** Canonical form, e.g. {@code 10.0.0.0/8}. */
   @Override
   public String toString() {
      return render(network, prefixLength);
   }

   private static byte[] parseAddress(String text) {
      if (text.indexOf(':') >= 0) {
         return parseIpv6(text);
      }
      return parseIpv4(text);
   }

   /** Strict dotted quad; leading zeros are refused because some tools read them as octal. */
   private static byte[] parseIpv4(String text) {
      byte[] out = new byte[IPV4_BYTES];
      int part = 0;
      int i = 0;
      while (part < IPV4_BYTES) {
         int start = i;
         int value = 0;
         while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9' && i - start < 3) {
            value = value * 10 + text.charAt(i) - '0';
            i++;
         }
         boolean leadingZero = i - start > 1 && text.charAt(start) == '0';
         if (i == start || value > 255 || leadingZero) {
            throw new IllegalArgumentException("not an IPv4 or IPv6 address");
         }
         out[part++] = (byte) value;
         if (part < IPV4_BYTES) {
            if (i >= text.length() || text.charAt(i) != '.') {
               throw new IllegalArgumentException("not an IPv4 or IPv6 address");
            }
            i++;
         }
      }
      if (i != text.length()) {
         throw new IllegalArgumentException("not an IPv4 or IPv6 address");
      }
      return out;
   }

   private static byte[] parseIpv6(String text) {
      // Only hex digits, ':' and '.' (embedded IPv4) may pass: with a ':' present and a hex digit or
      // ':' first, InetAddress treats the text as a literal and never resolves a host name.
      if (text.isEmpty() || Character.digit(text.charAt(0), 16) < 0 && text.charAt(0) != ':') {
         throw new IllegalArgumentException("not an IPv4 or IPv6 address");
      }
      for (int i = 0; i < text.length(); i++) {
         char c = text.charAt(i);
         if (Character.digit(c, 16) < 0 && c != ':' && c != '.') {
            throw new IllegalArgumentException("not an IPv4 or IPv6 address");
         }
      }
      try {
         InetAddress address = InetAddress.getByName(text);
         if (address instanceof Inet4Address) {
            // ::ffff:a.b.c.d comes back as IPv4; keep the written IPv6 form until the prefix is known
            byte[] mapped = new byte[IPV6_BYTES];
            mapped[10] = (byte) 0xFF;
            mapped[11] = (byte) 0xFF;
            System.arraycopy(address.getAddress(), 0, mapped, 12, IPV4_BYTES);
            return mapped;
         }
         return address.getAddress();
      } catch (UnknownHostException e) {
         throw new IllegalArgumentException("not an IPv4 or IPv6 address");
      }
   }

   private static int parsePrefix(String text, int maxPrefix) {
      if (text.isEmpty() || text.length() > 3) {
         throw new IllegalArgumentException("prefix length must be 0.." + maxPrefix);
      }
      int value = 0;
      for (int i = 0; i < text.length(); i++) {
         char c = text.charAt(i);
         if (c < '0' || c > '9') {
            throw new IllegalArgumentException("prefix length must be 0.." + maxPrefix);
         }
         value = value * 10 + c - '0';
      }
      if (value > maxPrefix) {
         throw new IllegalArgumentException("prefix length must be 0.." + maxPrefix);
      }
      return value;
   }

   private static byte[] mask(byte[] address, int prefix) {
      byte[] out = address.clone();
      for (int bit = prefix; bit < out.length * 8; bit++) {
         out[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
      }
      return out;
   }

   private static boolean isIpv4Mapped(byte[] ipv6) {
      for (int i = 0; i < 10; i++) {
         if (ipv6[i] != 0) {
            return false;
         }
      }
      return ipv6[10] == (byte) 0xFF && ipv6[11] == (byte) 0xFF;
   }

   private static String render(byte[] network, int prefix) {
      try {
         // getByAddress turns a mapped IPv6 address into IPv4; say it was IPv6
         String mapped = network.length == IPV6_BYTES && isIpv4Mapped(network) ? "::ffff:" : "";
         return mapped + InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
      } catch (UnknownHostException e) {
         throw new IllegalStateException("address of " + network.length + " bytes", e);
      }
   }
}
