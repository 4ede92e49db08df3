package io.smsgw.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.junit.jupiter.api.Test;

class CidrBlockTest {

   private static InetAddress ip(String literal) throws UnknownHostException {
      return InetAddress.getByName(literal); // literals only: no DNS
   }

   @Test
   void ipv4BlockMatchesItsAddressesOnly() throws Exception {
      CidrBlock block = CidrBlock.parse("10.1.0.0/16");
      assertTrue(block.contains(ip("10.1.0.0")));
      assertTrue(block.contains(ip("10.1.255.254")));
      assertFalse(block.contains(ip("10.2.0.1")));
      assertFalse(block.contains(ip("::1")));
      assertFalse(block.contains(null));
      assertEquals("10.1.0.0/16", block.toString());
   }

   @Test
   void prefixesThatAreNotByteAlignedWork() throws Exception {
      CidrBlock block = CidrBlock.parse("192.168.1.128/25");
      assertTrue(block.contains(ip("192.168.1.200")));
      assertFalse(block.contains(ip("192.168.1.127")));
   }

   @Test
   void singleAddressIsAFullLengthBlock() throws Exception {
      CidrBlock block = CidrBlock.parse("203.0.113.7");
      assertEquals(32, block.prefixLength());
      assertTrue(block.contains(ip("203.0.113.7")));
      assertFalse(block.contains(ip("203.0.113.8")));
   }

   @Test
   void zeroPrefixMatchesEveryAddressOfItsFamily() throws Exception {
      assertTrue(CidrBlock.parse("0.0.0.0/0").contains(ip("198.51.100.1")));
      assertTrue(CidrBlock.parse("::/0").contains(ip("2001:db8::1")));
      assertFalse(CidrBlock.parse("::/0").contains(ip("198.51.100.1")));
   }

   @Test
   void ipv6Blocks() throws Exception {
      CidrBlock block = CidrBlock.parse("2001:db8::/32");
      assertTrue(block.contains(ip("2001:db8:1::5")));
      assertFalse(block.contains(ip("2001:db9::5")));
      assertEquals("2001:db8:0:0:0:0:0:0/32", block.toString());
      assertTrue(CidrBlock.parse("::1").contains(ip("::1")));
   }

   @Test
   void ipv4MappedFormsMatchIpv4Clients() throws Exception {
      CidrBlock mapped = CidrBlock.parse("::ffff:10.0.0.0/104");
      assertEquals(CidrBlock.parse("10.0.0.0/8"), mapped);
      assertTrue(mapped.contains(ip("10.20.30.40")));
   }

   @Test
   void malformedBlocksAreRejectedWithAReason() {
      assertEquals("prefix length must be 0..32",
         assertThrows(IllegalArgumentException.class, () -> CidrBlock.parse("10.0.0.0/33")).getMessage());
      assertEquals("prefix length must be 0..128",
         assertThrows(IllegalArgumentException.class, () -> CidrBlock.parse("2001:db8::/129")).getMessage());
      assertEquals("host bits are set; the block is 10.0.0.0/8",
         assertThrows(IllegalArgumentException.class, () -> CidrBlock.parse("10.0.0.1/8")).getMessage());
      for (String bad : new String[] {"", "10.0.0", "10.0.0.0.0", "256.0.0.1", "10.0.0.01", "10..0.1", "10.0.0.1/",
         "10.0.0.1/x", "10.0.0.1/-1", "10.0.0.1/8/8", "1::2::3", "2001:db8::zz", "fe80::1%eth0", "localhost",
         "example.com", ".:1", " 10.0.0.1", "10.0.0.1 "}) {
         assertThrows(IllegalArgumentException.class, () -> CidrBlock.parse(bad), bad);
      }
   }
}
