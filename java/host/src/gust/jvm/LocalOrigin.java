/* What a tuple a bolt received from gust (an origin) waits for before its
 * ack may go to gust: the tuples emitted on local routes that descend
 * from it (LocalTuple) and are not settled yet.  The bolt's fail of the
 * origin goes at once; its ack is held back (deferred) while any is
 * pending, and goes once none is, or as soon as one fails: then as
 * ACK_FAILED_TREE (counted acked for the bolt, as Storm counts it, while
 * the spout tuples it came from fail).  So gust, which never sees
 * the local tuples, keeps the origin (and through it the spout tuples it
 * came from) unacked exactly as long as Storm's acker would keep the tree
 * open, in both reliability modes; a checkpoint barrier finds it held.
 * Guarded by the owner's (the receiving task's) out. */
package gust.jvm;

final class LocalOrigin {
    final TaskHost owner;
    int pending;      /* local descendants not settled yet */
    boolean failed;   /* one of them failed */
    int deferred;     /* Wire.ACK: the bolt acked the origin while some were pending; 0: not */
    boolean reported; /* settled towards gust: later descendants are not tracked */

    LocalOrigin(TaskHost owner) {
        this.owner = owner;
    }
}
