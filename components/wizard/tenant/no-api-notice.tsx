export function NoApiNotice() {
  return (
    <p className="rounded-md border-l-4 border-slate-500 bg-slate-100 p-3 dark:bg-slate-900">
      <strong>No API for this switch.</strong> Microsoft publishes no API for the password reset settings in
      the admin center, so the wizard cannot read them. It looks for their effect in audit records (and in the
      end-to-end test); when there is none yet, record the step with your name.
    </p>
  );
}
