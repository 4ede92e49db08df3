package io.smsgw.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The address an operator types into clearAddress: IPv6 in any notation, never a name looked up. */
class LoginPenaltiesControlTest {

   @Test
   void anIpv6AddressInAnyNotationIsTheOneTheListShows() {
      assertEquals("0:0:0:0::/64", LoginPenaltiesControl.ipv6HostAddress("::1"));
      assertEquals("2001:db8:0:0::/64", LoginPenaltiesControl.ipv6HostAddress("2001:DB8::7"), "counted by its /64");
      assertEquals("2001:db8:0:5::/64", LoginPenaltiesControl.ipv6HostAddress("2001:db8:0:5::/64"), "as the list shows it");
   }

   @Test
   void namesAndIpv4AreNotParsed() {
      assertNull(LoginPenaltiesControl.ipv6HostAddress("cafe"), "a host name made of hex digits is not resolved");
      assertNull(LoginPenaltiesControl.ipv6HostAddress("gateway.example"));
      assertNull(LoginPenaltiesControl.ipv6HostAddress("127.0.0.1"), "IPv4 is matched as written");
      assertNull(LoginPenaltiesControl.ipv6HostAddress("1:2:3"), "not an address");
   }
}
