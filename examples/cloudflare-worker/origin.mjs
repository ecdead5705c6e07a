// The backend behind the worker in this local set-up: it answers what reached it, so a run
// shows which requests the policy let through and the headers the worker added.
export default {
  async fetch(request) {
    const url = new URL(request.url);
    return Response.json({
      origin: 'reached',
      method: request.method,
      path: url.pathname + url.search,
      route: request.headers.get('X-Cordon-Route'),
      scrubProfile: request.headers.get('X-Cordon-Scrub-Profile'),
    });
  },
};
