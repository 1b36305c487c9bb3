package dev.coedit.editing.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.coedit.client.ProtocolClient;
import dev.coedit.editing.entity.ClientMessage;
import dev.coedit.editing.entity.Json;
import dev.coedit.ot.OtClient;
import dev.coedit.ot.RandomOps;
import dev.coedit.ot.TextOp;
import dev.coedit.security.entity.AccessRules;
import dev.coedit.security.entity.Identity;
import dev.coedit.security.entity.Role;
import java.util.Optional;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real server side (a {@link Room} over a {@link DocumentAuthority}) and several real client state machines
 * ({@link ProtocolClient}), joined by queues of JSON text and driven by a seeded random schedule: edits with emoji and
 * deletes across each other's ranges, deliveries interleaved across clients (each connection keeps its order, as TCP
 * does), dropped connections that lose whatever was in the air, and resumes or snapshot resyncs. However the schedule
 * goes, every replica must end with the server's text and version, and no acknowledged edit may be lost.
 *
 * <p>Seed: system property {@code coedit.seed}; runs: {@code coedit.simRuns} (default 60).
 */
@Timeout(60)
class NetworkSimulationTest {

    private static final long SEED = Long.getLong("coedit.seed", System.nanoTime());
    private static final int RUNS = Integer.getInteger("coedit.simRuns", 60);

    @Test
    void everyReplicaConvergesWithTheServerWhateverTheDeliveryOrderAndDrops() {
        for (int run = 0; run < RUNS; run++) {
            simulate(SEED + run);
        }
    }

    @Test
    void aScriptedConcurrentInsertAtOnePlaceKeepsBothAndOrdersThemTheSameEverywhere() {
        Sim sim = new Sim(new Random(1), 2, 1000);
        sim.connectAll();
        sim.deliverAll();
        sim.edit(0, TextOp.fromJson(List.of("abc")));
        sim.deliverAll();
        sim.edit(0, TextOp.fromJson(List.of(1, "X")));
        sim.edit(1, TextOp.fromJson(List.of(1, "Y")));
        sim.deliverAll();
        sim.assertConverged("scripted");
        // The server took client 0's edit first; client 1's late edit went first at the same place (left side).
        assertEquals("aYXbc", sim.authority.text());
    }

    /** Everything about one run comes from its seed, so {@code -Dcoedit.seed=S -Dcoedit.simRuns=1} replays it. */
    private static void simulate(long seed) {
        Random random = new Random(seed);
        int clients = 2 + random.nextInt(4);
        // A wide history window (resumes) or a tiny one (snapshot resyncs and stale bases).
        int window = random.nextBoolean() ? 1000 : 3;
        int steps = 250;
        Sim sim = new Sim(random, clients, window);
        try {
            sim.connectAll();
            for (int step = 0; step < steps; step++) {
                sim.randomStep();
            }
            sim.settle();
            sim.assertConverged("seed " + seed);
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("simulation failed with seed " + seed + " (-Dcoedit.seed=" + seed
                    + " -Dcoedit.simRuns=1), " + clients + " clients, window " + window + "\n" + sim.trace(), e);
        }
    }

    /** A room, its clients, and the wires between them. */
    private static final class Sim {
        final Random random;
        final DocumentAuthority authority;
        final Room room;
        final List<Wire> wires = new ArrayList<>();
        final ArrayDeque<String> log = new ArrayDeque<>();

        Sim(Random random, int clients, int window) {
            this.random = random;
            this.authority = new DocumentAuthority("", 0, window);
            this.room = new Room("sim", authority, AccessRules.forNewDocument(Identity.LOCAL_USER,
                    Optional.of(Role.EDITOR)), Runnable::run, () -> { });
            for (int i = 0; i < clients; i++) {
                wires.add(new Wire(i));
            }
        }

        void connectAll() {
            for (Wire w : wires) {
                w.connect();
            }
        }

        void edit(int client, TextOp op) {
            Wire w = wires.get(client);
            w.toServer.addAll(w.client.edit(op).stream().map(Json::write).toList());
        }

        void randomStep() {
            Wire w = wires.get(random.nextInt(wires.size()));
            int action = random.nextInt(100);
            if (action < 30 && w.client.replica().isPresent()) {
                String text = w.client.replica().get().text();
                TextOp op = RandomOps.randomOp(random, text);
                record("client " + w.index + " edits " + op + " on " + text.length() + " chars");
                edit(w.index, op);
            } else if (action < 60) {
                w.deliverToServer();
            } else if (action < 95) {
                w.deliverToClient();
            } else if (action < 98) {
                w.drop();
            } else {
                w.caret();
            }
        }

        /** Delivers everything, reconnecting anyone offline, until nothing moves. */
        void settle() {
            for (Wire w : wires) {
                if (!w.online) {
                    w.connect();
                }
            }
            deliverAll();
        }

        void deliverAll() {
            for (int guard = 0; guard < 100_000; guard++) {
                boolean moved = false;
                for (Wire w : wires) {
                    moved |= w.deliverToServer() | w.deliverToClient();
                }
                if (!moved) {
                    return;
                }
            }
            fail("the simulation did not settle");
        }

        void assertConverged(String label) {
            String expected = authority.text();
            for (Wire w : wires) {
                OtClient replica = w.client.replica().orElseThrow();
                assertEquals(0, replica.unacknowledged(), label + ": client " + w.index + " has unacknowledged edits");
                assertEquals(authority.version(), replica.version(), label + ": client " + w.index + " version");
                assertEquals(expected, replica.text(), label + ": client " + w.index + " text");
                assertTrue(w.errors.stream().noneMatch(e -> e.equals("invalid_op") || e.equals("bad_message")),
                        label + ": client " + w.index + " got errors " + w.errors);
            }
        }

        void record(String line) {
            log.addLast(line);
            if (log.size() > 60) {
                log.removeFirst();
            }
        }

        String trace() {
            return "last steps:\n  " + String.join("\n  ", log) + "\n  server: v" + authority.version() + " "
                    + authority.text();
        }

        /** One client and its connection: a queue each way, lost when the connection drops. */
        final class Wire {
            final int index;
            final ProtocolClient client;
            final List<String> errors = new ArrayList<>();
            final ArrayDeque<String> toServer = new ArrayDeque<>();
            final ArrayDeque<String> toClient = new ArrayDeque<>();
            FakePeer peer;
            boolean online;

            Wire(int index) {
                this.index = index;
                this.client = new ProtocolClient("client" + index, "C" + index, "#000000",
                        new ProtocolClient.Events() {
                            @Override
                            public void error(String code, String message) {
                                errors.add(code);
                                record("client " + index + " error " + code + ": " + message);
                            }
                        });
            }

            void connect() {
                peer = new FakePeer(this);
                online = true;
                toServer.add(Json.write(client.connected()));
                record("client " + index + " connects");
            }

            /** The network fails: part of what was sent reaches the server, the rest and all replies are lost. */
            void drop() {
                if (!online) {
                    connect();
                    return;
                }
                int arrive = toServer.isEmpty() ? 0 : random.nextInt(toServer.size() + 1);
                for (int i = 0; i < arrive; i++) {
                    deliverToServer();
                }
                toServer.clear();
                toClient.clear();
                online = false;
                FakePeer gone = peer;
                peer = null;
                room.leave(gone);
                client.disconnected();
                record("client " + index + " drops after " + arrive + " messages reached the server");
            }

            void caret() {
                client.replica().ifPresent(r -> client.caret(random.nextInt(r.length() + 1), r.length())
                        .ifPresent(m -> toServer.add(Json.write(m))));
            }

            boolean deliverToServer() {
                String json = toServer.pollFirst();
                if (json == null || peer == null) {
                    return false;
                }
                record("server <- " + index + ": " + json);
                ClientMessage message = Json.readClient(json);
                assertEquals(null, message.problem(), "client " + index + " sent " + json);
                room.handle(peer, message);
                return true;
            }

            boolean deliverToClient() {
                String json = toClient.pollFirst();
                if (json == null) {
                    return false;
                }
                record("client " + index + " <- " + json);
                for (ClientMessage reply : client.receive(Json.readServer(json))) {
                    toServer.add(Json.write(reply));
                }
                return true;
            }
        }

        /** The server's view of one connection: what it sends lands on the wire while that connection lives. */
        final class FakePeer implements Peer {
            final Wire wire;

            FakePeer(Wire wire) {
                this.wire = wire;
            }

            @Override
            public Identity identity() {
                return Identity.LOCAL;
            }

            @Override
            public String connectionId() {
                return "peer-" + wire.index;
            }

            @Override
            public boolean send(String json) {
                if (wire.peer != this) {
                    return false;
                }
                wire.toClient.addLast(json);
                return true;
            }

            @Override
            public void close(int code, String reason) {
                record("server closes client " + wire.index + ": " + code + " " + reason);
            }
        }
    }
}
