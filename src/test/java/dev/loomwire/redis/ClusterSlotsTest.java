package dev.loomwire.redis;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Key hashing agrees with the server's CLUSTER KEYSLOT (values taken from Redis 7.0). */
class ClusterSlotsTest {
    @Test
    void slotsMatchClusterKeyslot() {
        assertEquals(12182, ClusterSlots.slot("foo"));
        assertEquals(5061, ClusterSlots.slot("bar"));
        assertEquals(11058, ClusterSlots.slot("somekey"));
        assertEquals(0, ClusterSlots.slot(""));
        assertEquals(10180, ClusterSlots.slot("é"));
    }

    @Test
    void onlyTheFirstNonEmptyHashTagIsHashed() {
        assertEquals(3443, ClusterSlots.slot("{user1000}.following"));
        assertEquals(ClusterSlots.slot("{user1000}.following"), ClusterSlots.slot("{user1000}.followers"));
        assertEquals(ClusterSlots.slot("bar"), ClusterSlots.slot("foo{bar}"));
        assertEquals(8363, ClusterSlots.slot("foo{}{bar}"), "an empty first tag means the whole key is hashed");
        assertEquals(4015, ClusterSlots.slot("foo{{bar}}zap"), "the tag is \"{bar\"");
        assertEquals(9500, ClusterSlots.slot("{}foo"));
    }

    @Test
    void binaryKeysHashTheirBytes() {
        assertEquals(ClusterSlots.slot("foo"), ClusterSlots.slot("foo".getBytes(StandardCharsets.UTF_8)));
        assertEquals(ClusterSlots.slot(new byte[] {(byte) 0xff, 0, 1}), ClusterSlots.slotOf(new byte[] {(byte) 0xff, 0, 1}));
    }

    @Property(tries = 300)
    void textAndItsUtf8BytesHashAlike(@ForAll String key) {
        assertEquals(ClusterSlots.slot(key.getBytes(StandardCharsets.UTF_8)), ClusterSlots.slot(key));
        if (!key.isEmpty() && key.indexOf('{') < 0 && key.indexOf('}') < 0) {
            assertEquals(ClusterSlots.slot(key), ClusterSlots.slot("prefix{" + key + "}suffix"), "a tag hashes like the bare key");
        }
    }
}
