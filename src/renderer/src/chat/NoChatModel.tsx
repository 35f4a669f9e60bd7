/**
 * What the panel shows when no backend could answer at all: a short state and the one next step,
 * with what each backend said folded away for whoever wants it.
 */
export function NoChatModel({ detail, onSetUp }: { detail: string; onSetUp: () => void }) {
  return (
    <div className="chat-nomodel" role="status" data-testid="chat-no-model">
      <strong>No chat model yet</strong>
      <p>Answers need a chat model on this machine or a server. Your question is kept below.</p>
      <button type="button" className="chat-setup" onClick={onSetUp}>
        Set up a chat model
      </button>
      <details>
        <summary>Details</summary>
        <p className="chat-nomodel-detail">{detail}</p>
      </details>
    </div>
  )
}
