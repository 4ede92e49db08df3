package io.smsgw.simulator;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;

import org.junit.jupiter.api.Test;

/** A port in use is the documented IllegalStateException naming the address, not Netty's undeclared BindException. */
class SmscSimulatorPortInUseTest {

    @Test
    void aPortInUseIsRefusedNamingTheAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            SimulatorConfig config = SimulatorConfig.builder().host("127.0.0.1").port(taken.getLocalPort()).build();
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> SmscSimulator.start(config).close());
            assertTrue(refused.getMessage().contains("Cannot listen on 127.0.0.1:" + taken.getLocalPort()), refused.getMessage());
            assertTrue(refused.getMessage().contains("Address already in use"), refused.getMessage());
        }
    }
}
