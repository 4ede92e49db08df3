package io.smsgw.cmpp.gns;

import io.smsgw.cmpp.codec.CmppPdu;

/** The connection of a gateway's GNS session, as the route service needs it; implemented by the CMPP session. */
public interface GnsPeer {

   /** The next Sequence_Id for a PDU the tandem starts (a push). */
   int nextSequence();

   /** Writes a PDU; callable from any thread. */
   void write(CmppPdu pdu);

   /** Runs a task on the connection's event loop, after the tasks queued before it. */
   void execute(Runnable task);
}
