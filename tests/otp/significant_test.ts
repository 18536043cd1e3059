// The significant group of OTP's supervisor_SUITE (lib/stdlib/test/supervisor_SUITE.erl):
// which exits of which children trigger autoShutdown. Each test names the OTP case.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ActorSystem,
  type Behavior,
  type ChildSpec,
  supervisor,
  SupervisorError,
  type SupervisorRef,
} from "../../mod.ts";
import { nextEvent } from "../_helpers.ts";

type Restart = "transient" | "temporary";
type AutoShutdown = "never" | "any_significant" | "all_significant";
/** How a child goes: stopped by its supervisor, killed, crashing, or of its own accord normally. */
type Exit = "terminateChild" | "killed" | "abnormal" | "normal";

const child: Behavior<undefined, "boom" | "stop"> = {
  receive(s, m, ctx) {
    if (m === "boom") throw new Error("boom");
    ctx.stop();
    return s;
  },
};

/** c1 and c2 significant (unless `significant` is false), c3 not; intensity 5 as in OTP's cases. */
function start(system: ActorSystem, restart: Restart, autoShutdown: AutoShutdown, significant = true): SupervisorRef {
  const specs: ChildSpec[] = ["c1", "c2", "c3"].map((id) => ({
    id,
    start: child,
    restart,
    significant: significant && id !== "c3",
  }));
  return system.spawn(supervisor({ strategy: "one_for_one", intensity: 5, autoShutdown, children: specs }));
}

async function exit(system: ActorSystem, sup: SupervisorRef, id: string, how: Exit): Promise<void> {
  if (how === "terminateChild") return sup.terminateChild(id);
  const ref = (await sup.whichChildren()).find((c) => c.id === id)!.ref!;
  const exited = nextEvent(system, "child_exited", (e) => e.actor === ref.id);
  if (how === "killed") void ref.stop("killed");
  else ref.send(how === "abnormal" ? "boom" : "stop");
  await exited;
}

/** After `how` ends `id`, the supervisor either shuts itself down or is still running. */
async function expectAfter(system: ActorSystem, sup: SupervisorRef, id: string, how: Exit, shutsDown: boolean) {
  const down = nextEvent(system, "supervisor_shutdown", (e) => e.supervisor === sup.id);
  await exit(system, sup, id, how);
  if (shutsDown) {
    assert.equal((await down).reason, "auto_shutdown", `${how} of ${id} triggers auto_shutdown`);
    return;
  }
  down.catch(() => {});
  await sup.whichChildren(); // the exit has been handled
  assert.equal(sup.alive, true, `${how} of ${id} does not trigger auto_shutdown`);
}

for (const restart of ["temporary", "transient"] as const) {
  // OTP: nonsignificant_temporary / nonsignificant_transient
  test(`no exit of a non-significant ${restart} child triggers autoShutdown, whatever the mode`, async () => {
    for (const mode of ["never", "any_significant", "all_significant"] as const) {
      for (const how of ["terminateChild", "killed", "abnormal", "normal"] as const) {
        await using system = new ActorSystem();
        await expectAfter(system, start(system, restart, mode, false), "c1", how, false);
      }
    }
  });
}

// OTP: significant_temporary (any_significant): every exit but terminateChild triggers it
for (const how of ["terminateChild", "killed", "abnormal", "normal"] as const) {
  test(`any_significant, temporary: ${how} of a significant child ${how === "terminateChild" ? "does not trigger" : "triggers"} autoShutdown`, async () => {
    await using system = new ActorSystem();
    const sup = start(system, "temporary", "any_significant");
    const stopped = nextEvent(system, "actor_exited", (e) => e.actor === sup.id);
    await expectAfter(system, sup, "c1", how, how !== "terminateChild");
    if (how !== "terminateChild") {
      assert.equal((await stopped).reason, "shutdown");
      assert.equal(sup.alive, false);
    } else stopped.catch(() => {});
  });
}

// OTP: significant_transient (any_significant): only a normal exit triggers it; a killed or
// crashed transient child is restarted instead
for (const how of ["terminateChild", "killed", "abnormal", "normal"] as const) {
  test(`any_significant, transient: ${how} of a significant child ${how === "normal" ? "triggers" : "does not trigger"} autoShutdown`, async () => {
    await using system = new ActorSystem();
    const sup = start(system, "transient", "any_significant");
    await expectAfter(system, sup, "c1", how, how === "normal");
    if (how === "killed" || how === "abnormal") {
      assert.equal((await sup.whichChildren())[0].status, "running", "restarted");
    }
  });
}

// OTP: significant_temporary / significant_transient (all_significant)
for (const restart of ["temporary", "transient"] as const) {
  test(`all_significant, ${restart}: only the exit of the last significant child triggers autoShutdown`, async () => {
    await using system = new ActorSystem();
    const sup = start(system, restart, "all_significant");
    await expectAfter(system, sup, "c1", "normal", false);
    await expectAfter(system, sup, "c2", "normal", true);
  });
}

// OTP: significant_bystander (every strategy, both modes)
for (const strategy of ["one_for_one", "one_for_all", "rest_for_one"] as const) {
  test(`${strategy}: significant children stopped because a sibling crashed trigger nothing`, async () => {
    for (const autoShutdown of ["any_significant", "all_significant"] as const) {
      await using system = new ActorSystem();
      const sup = system.spawn(supervisor({
        strategy,
        intensity: 5,
        autoShutdown,
        children: [
          { id: "c1", start: child, restart: "transient", significant: true },
          { id: "c2", start: child, restart: "transient" },
          { id: "c3", start: child, restart: "transient", significant: true },
        ],
      }));
      const before = await sup.whichChildren();
      await expectAfter(system, sup, "c2", "killed", false);
      const after = await sup.whichChildren();
      const replaced = after.map((c, i) => c.ref !== before[i].ref);
      assert.deepEqual(
        replaced,
        {
          one_for_one: [false, true, false],
          one_for_all: [true, true, true],
          rest_for_one: [false, true, true],
        }[strategy],
      );
      assert.ok(after.every((c) => c.status === "running"));
    }
  });
}

// OTP: significant_simple, significant_upgrade_never_any (the refused combinations)
test("autoShutdown is refused for simple_one_for_one, and significant children when it is never", async () => {
  assert.throws(
    () =>
      supervisor({
        strategy: "simple_one_for_one",
        autoShutdown: "any_significant",
        children: [{ id: "t", start: child }],
      }),
    / at autoShutdown: must be "never" for simple_one_for_one/,
  );
  assert.throws(
    () =>
      supervisor({
        strategy: "one_for_one",
        children: [{ id: "c", start: child, restart: "transient", significant: true }],
      }),
    / at children\[0\]\.significant: must be false when autoShutdown is "never"/,
  );
  await using system = new ActorSystem();
  const sup = system.spawn(supervisor({ strategy: "one_for_one", children: [] }));
  await assert.rejects(
    sup.startChild({ id: "c", start: child, restart: "transient", significant: true }),
    (e) => e instanceof SupervisorError && e.reason === "bad_combination" && e.childId === "c",
  );
});
