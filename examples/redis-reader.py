import json, os, redis

r = redis.Redis.from_url(os.environ["REDIS_URL"], password=os.environ["REDIS_PASSWORD"],
                         decode_responses=True)   # REDIS_URL=redis://bot@vps:6379/0
ACCOUNT = "upstox-main"
KEY = f"tokentray:{ACCOUNT}:access_token"

def current_token():
    return r.get(KEY)                  # None: no valid token right now

def shown(token):                      # never print or log a whole token
    return "none" if token is None else "..." + token[-4:]

token = current_token()
print("token", shown(token), flush=True)
pubsub = r.pubsub()
pubsub.subscribe("tokentray:events")
for message in pubsub.listen():        # blocks; run it in a thread beside the bot
    if message["type"] != "message":
        continue
    event = json.loads(message["data"])
    if event["account"] == ACCOUNT:
        token = current_token()
        print("new token", shown(token), "valid until", event["expires_at"],
              "- reconnect the feed", flush=True)
